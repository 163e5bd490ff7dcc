export { SimMcpOptionsSchema, SimToolBehaviourSchema } from './options.js';
export type { SimMcpOptions, SimMcpOptionsInput, SimToolBehaviour } from './options.js';
export { SimMcpState } from './sim-state.js';
export type { SimMcpStats } from './sim-state.js';
export { createSimMcpServer } from './sim-server.js';
export { startSimMcpServer } from './http-server.js';
export type { SimMcpHttpServer, StartSimMcpOptions } from './http-server.js';
export { simMcpStdioCommand } from './stdio-command.js';
