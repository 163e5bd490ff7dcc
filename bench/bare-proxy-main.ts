import { startBareProxy } from './bare-proxy.js';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-proxy-main UPSTREAM_URL');
const proxy = await startBareProxy(upstream);
process.stdout.write(`bare proxy listening on ${proxy.url}\n`);
process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
