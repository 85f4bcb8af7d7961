/** The sandbox's ATST (support-zip) API for a simulated cluster; import it lazily. */
export { startAtstSandbox, type AtstSandboxHandle, type AtstSandboxOptions, type SandboxDownload, type SandboxTask } from './server.js';
export type { BalancerOptions } from './balancer.js';
export { meshNodeName, type MeshOptions } from './mesh.js';
export { plantedSecrets } from './logs.js';
