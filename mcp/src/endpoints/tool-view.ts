import type { Span } from '@opentelemetry/api';
import { ATTR, SLUICE } from '../../../collector/src/model/semconv.js';
import { globMatch, joinName } from '../naming.js';
import type { FrontSession, ToolEntry } from '../session/front-session.js';
import { toolFingerprint } from '../tool-fingerprint.js';
import type { UpstreamTool } from '../wire-schemas.js';

/** Span event recorded when an upstream changes a tool definition ("rug pull"). */
export const TOOL_CHANGED_EVENT = 'sluice.mcp.tool_definition_changed';
export const PINNED_FINGERPRINT_ATTR = 'sluice.mcp.tool_fingerprint.pinned';

/** Fingerprints by definition object: link tool lists are cached, so each is hashed once. */
const fingerprints = new WeakMap<UpstreamTool, string>();
function fingerprintOf(tool: UpstreamTool): string {
  let fp = fingerprints.get(tool);
  if (fp === undefined) {
    fp = toolFingerprint(tool);
    fingerprints.set(tool, fp);
  }
  return fp;
}

export interface ViewOptions {
  /** `<server>__` prefix on exposed names (federated endpoints). */
  prefixed: boolean;
  /** Exposed-name globs to keep (virtual servers); empty keeps all. */
  globs: readonly string[];
  /** Drop tools the agent may not use (lists); resolution for calls keeps them to refuse explicitly. */
  authorize: boolean;
  /** Drop tools that need task-augmented calls (the federation does not relay tasks). */
  dropTaskRequired: boolean;
  span?: Span;
}

export interface ViewedTool extends ToolEntry {
  /** The definition differs from the pinned one. */
  changed: boolean;
  /** Changed and the upstream blocks changed tools until approved. */
  blocked: boolean;
}

/**
 * One upstream's tools as this session may see them: exposed names, fingerprints checked
 * against pins (changes recorded once as span events), hidden tools removed.
 */
export async function viewTools(session: FrontSession, server: string, tools: readonly UpstreamTool[], opts: ViewOptions): Promise<ViewedTool[]> {
  const { core, identity } = session;
  const config = core.upstreamConfig(server);
  const pinMode = config?.pinTools ?? 'off';
  const out: ViewedTool[] = [];
  for (const tool of tools) {
    if (opts.dropTaskRequired && tool.execution?.taskSupport === 'required') continue;
    const exposedName = joinName(server, tool.name, opts.prefixed);
    if (exposedName === undefined) {
      core.deps.logger.warn({ upstream: server, tool: tool.name }, 'tool not exposed: name invalid or longer than 128 characters');
      continue;
    }
    if (opts.globs.length > 0 && !opts.globs.some((g) => globMatch(g, exposedName))) continue;
    const fingerprint = fingerprintOf(tool);
    let changed = false;
    if (pinMode !== 'off') {
      const seen = core.pins.observe(server, tool.name, fingerprint);
      changed = seen.status === 'changed';
      if (changed && seen.firstSighting) {
        core.deps.logger.warn({ upstream: server, tool: tool.name, pinned: seen.pinned, fingerprint }, 'mcp tool definition changed');
        opts.span?.addEvent(TOOL_CHANGED_EVENT, {
          [SLUICE.MCP_SERVER]: server, [ATTR.GEN_AI_TOOL_NAME]: tool.name,
          [SLUICE.TOOL_FINGERPRINT]: fingerprint, [PINNED_FINGERPRINT_ATTR]: seen.pinned,
        });
      }
    }
    const blocked = changed && pinMode === 'block';
    if (opts.authorize) {
      if (blocked) continue;
      const decision = await core.deps.authorizeTool(identity, { server, tool: tool.name, exposedName });
      if (!decision.allowed) continue;
    }
    out.push({ exposedName, server, tool, fingerprint, changed, blocked });
  }
  return out;
}

/** Strips gateway-internal fields and renames a tool for the agent. */
export function presentTool(entry: ToolEntry): Record<string, unknown> {
  return { ...entry.tool, name: entry.exposedName };
}
