import Docker from 'dockerode';

/** Containers, networks and volumes carrying the lab's label. */
export async function labObjects(lab: string): Promise<string[]> {
  const docker = new Docker();
  const filters = { label: [`podnet.lab=${lab}`] };
  const [containers, networks, volumes] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`), ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`)];
}
