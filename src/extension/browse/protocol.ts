// The host's check of messages from the abstract panel's page: field by field, against the shared
// types in src/webview/protocol.ts.
import type { PageToHost, PanelAction } from '../../webview/protocol';

const ACTIONS: readonly string[] = ['insert', 'copyKey', 'copyBibtex', 'copyReference', 'reveal'];

/** A message from the page, checked field by field; anything else is dropped. */
export function parsePageMessage(m: unknown): PageToHost | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && (o[k] as string).length <= 4000 ? (o[k] as string) : undefined);
  switch (o.type) {
    case 'ready': return { type: 'ready' };
    case 'openPaper': { const key = str('key'); return key ? { type: 'openPaper', key } : undefined; }
    case 'revealAuthor': { const name = str('name'); return name ? { type: 'revealAuthor', name } : undefined; }
    case 'openExternal': { const url = str('url'); return url ? { type: 'openExternal', url } : undefined; }
    case 'action': {
      const key = str('key'), action = str('action');
      return key && action && ACTIONS.includes(action) ? { type: 'action', action: action as PanelAction, key } : undefined;
    }
    case 'cspViolation': return { type: 'cspViolation', directive: (str('directive') ?? '').slice(0, 200), blocked: (str('blocked') ?? '').slice(0, 200) };
    default: return undefined;
  }
}
