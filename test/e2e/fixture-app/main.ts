// The app on a recorded snapshot instead of a live lab: the renderer as it
// is, mounted on the component tests' in-memory API, which answers with one
// running lab whose topology is a fixture (`?fixture=services`, plus
// `&headless=1` for the headless db Service). For looking at the drawing in
// a real browser where no lab can be built (test/e2e/services-view.test.ts).
import '@xterm/xterm/css/xterm.css';
import '../../../src/renderer/src/styles/app.css';
import { mount } from 'svelte';
import App from '../../../src/renderer/src/App.svelte';
import type { LabSummary } from '../../../src/shared/lab';
import type { Snapshot } from '../../../src/shared/snapshot';
import { ContractDouble } from '../../component/contract-double';
import services from '../../fixtures/services-snapshot.json';
import { withHeadlessDb } from '../../helpers/headless-service';

const params = new URLSearchParams(location.search);
const FIXTURES: Record<string, unknown> = { services };
const chosen = FIXTURES[params.get('fixture') ?? 'services'];
if (!chosen) throw new Error(`no fixture ${params.get('fixture')}`);
let snapshot = chosen as Snapshot;
if (params.get('headless') === '1') snapshot = withHeadlessDb(snapshot);

const summary: LabSummary = {
  name: snapshot.name,
  driver: 'docker',
  mode: 'pod-cidr',
  backend: 'vxlan',
  status: 'running',
  faults: [],
  underlay: '198.18.0.0/24',
  hosts: snapshot.hosts.map((h) => ({ name: h.name, role: h.role, address: h.underlayIp, pods: h.pods.map((p) => p.name), running: true })),
  source: null,
  owner: null,
};

const api = new ContractDouble()
  .handle('labs:list', () => [summary])
  .handle('labs:builtin', () => [])
  .handle('exercises:list', () => [])
  .handle('topology:watch', ({ lab }) => {
    setTimeout(() => api.emit('topology:snapshot', { lab, snapshot }), 0);
  });
(window as unknown as { fixtureApi: ContractDouble }).fixtureApi = api;

mount(App, { target: document.getElementById('app')!, props: { api, transport: 'browser' } });
