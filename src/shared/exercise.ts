// Guided exercises: the model read from resources/exercises/*.md, the checks
// evaluated against a lab's REAL state, and the events of an automatic
// play-through. Plain data only (serializable over IPC).

export type Presence = 'present' | 'absent';

/** What a captured packet must look like (any field left out matches anything). */
export interface PacketMatch {
  src?: string;
  dst?: string;
  /** icmp | udp | tcp | arp | vxlan… */
  protocol?: string;
  /** For VXLAN: the packet inside the tunnel. */
  inner?: { src?: string; dst?: string; protocol?: string };
}

export interface InterfaceAttrs {
  /** Link kind: vxlan, bridge, veth… */
  type?: string;
  mtu?: number;
  /** Admin state UP. */
  up?: boolean;
  master?: string;
  /** An address in CIDR form, e.g. 10.2.1.0/32. */
  address?: string;
  mac?: string;
  vxlan?: { id?: number; port?: number; local?: string; dev?: string; learning?: boolean };
  /**
   * A veth's other end, found by the peer ifindex the kernel reports (not by
   * name): the node it is in, and optionally its name and bridge.
   */
  peer?: { on: string; name?: string; master?: string };
}

/** A check, as written in an exercise (strings may hold {{placeholders}}). */
export type CheckSpec =
  | { kind: 'ping'; from: string; to: string; expect: 'success' | 'failure'; count: number }
  | { kind: 'route'; on: string; dst: string; via?: string; dev?: string; expect: Presence }
  | { kind: 'neighbour'; on: string; dst: string; lladdr?: string; dev?: string; permanent?: boolean; expect: Presence }
  | { kind: 'fdb'; on: string; mac?: string; dev?: string; dst?: string; expect: Presence }
  | { kind: 'iptables'; on: string; table: 'nat' | 'filter'; rule: string; expect: Presence }
  | { kind: 'interface'; on: string; name: string; attrs: InterfaceAttrs; expect: Presence }
  | {
      kind: 'capture';
      on: string;
      iface: string;
      filter?: string;
      /** The traffic to make while capturing. */
      during: { ping: { from: string; to: string; count: number } };
      expect: 'packets' | 'none';
      match?: PacketMatch;
    }
  /**
   * `output`: a regular expression that stdout and stderr together must match;
   * `shows`: what that output looks like, in words a learner reads (required when `output` is more than plain text).
   */
  | { kind: 'command'; on: string; run: string; exit: number; output?: string; shows?: string };

export type CheckKind = CheckSpec['kind'];

export interface CheckResult {
  /** What was checked, in words ("route 10.2.3.0/24 via 10.2.3.0 dev flannel.1 on host1"). */
  label: string;
  kind: CheckKind;
  /** `error`: the check could not run (lab gone, bad target). */
  status: 'passed' | 'failed' | 'error';
  /** When not passed: what was found instead. */
  found: string | null;
}

export interface StepCheck {
  /** 1-based step number. */
  step: number;
  title: string;
  passed: boolean;
  checks: CheckResult[];
}

/** Commands to type on a target: `try` (look around) or `solution` (the change the step asks for). */
export interface CommandBlock {
  type: 'commands';
  role: 'try' | 'solution';
  /** `host1`, `host1/a`, `internet`. */
  target: string;
  /** One command line each, as typed into the target's terminal (placeholders resolved when a lab is given). */
  commands: string[];
  /** The commands are meant to fail (e.g. a ping that shows what does not work yet). */
  expectFailure: boolean;
  /**
   * The commands keep running until traffic comes or Ctrl-C (e.g. tcpdump): run them in a terminal of
   * their own, then go on with the next commands. `podnet exercise play` runs them alongside the rest.
   */
  waits: boolean;
}

export type StepBlock = { type: 'prose'; markdown: string } | CommandBlock;

/** One of the app's own tools, opened pre-filled from a hint (the CLI prints the command that does the same). */
export type HintTool =
  /** The packet's path of one ping (`podnet path <lab> <from> <to>`). */
  | { panel: 'path'; from: string; to: string }
  /** A live capture (`podnet capture <lab> <on> <iface> --filter …`). */
  | { panel: 'capture'; on: string; iface: string; filter: string | null };

export interface Hint {
  markdown: string;
  tool: HintTool | null;
}

export interface ExerciseStep {
  number: number;
  title: string;
  /** Prose and commands, in the order of the file. */
  blocks: StepBlock[];
  /** Shown on demand, one at a time. */
  hints: Hint[];
  checks: CheckSpec[];
  /** Labels of the checks, as the results will carry them. */
  checkLabels: string[];
  /** The step asks the learner to change something: its check fails until they do. */
  changes: boolean;
}

export interface ExerciseSummary {
  id: string;
  /** Position in the curriculum (1-based). */
  number: number;
  title: string;
  /** Name of the built-in lab it runs on. */
  lab: string;
  minutes: number;
  steps: number;
}

export interface Exercise extends ExerciseSummary {
  /** Markdown before the first step. */
  intro: string;
  /** The closing box: the same objects on a real cluster or Docker host (a `## On a real …` section after the steps). */
  realWorld: { title: string; markdown: string } | null;
  exerciseSteps: ExerciseStep[];
  /** The lab the placeholders were resolved against, or null (they are left as {{…}}). */
  resolvedFor: string | null;
}

export interface CommandRun {
  role: 'try' | 'solution';
  target: string;
  command: string;
  code: number;
  /** The exit code was what the exercise expects. */
  ok: boolean;
  output: string;
}

export interface PlayStepReport {
  step: number;
  title: string;
  changes: boolean;
  /** The check before the solution (null for steps that change nothing). */
  before: StepCheck | null;
  commands: CommandRun[];
  after: StepCheck | null;
  ok: boolean;
  problem: string | null;
}

export interface PlayReport {
  exercise: string;
  lab: string;
  ok: boolean;
  steps: PlayStepReport[];
  elapsedMs: number;
  problem: string | null;
}

export type PlayEvent =
  | { type: 'lab'; lab: string; status: 'starting' | 'up' | 'removed' }
  | { type: 'step'; step: number; title: string; changes: boolean }
  | { type: 'check'; step: number; phase: 'before' | 'after'; result: StepCheck; asExpected: boolean }
  | { type: 'command'; step: number; run: CommandRun }
  | { type: 'step-done'; report: PlayStepReport };
