/** The sandbox's ATST (support-zip) API for a simulated cluster; import it lazily. */
export { startAtstSandbox, type AtstSandboxHandle, type AtstSandboxOptions, type SandboxTask } from './server.js';
export { plantedSecrets } from './logs.js';
