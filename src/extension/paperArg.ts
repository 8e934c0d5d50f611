// The paper a command is given, whoever calls it: a key (links, keybindings, other extensions),
// a Papers tree node or `{key}`, a panel's `{paper: {id}}`, or a Paper itself. No vscode import.

/** What paper commands accept. */
export type PaperArg = string | { key: string } | { paper: { id: string } } | { id: string };

/**
 * The citation key in a command argument, or undefined (then the command asks or says so). A tree
 * group (`{kind: 'group', id}`) is not a paper: its id names the group, not a key.
 */
export function keyOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg || undefined;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { key?: unknown; paper?: { id?: unknown } | null; id?: unknown; kind?: unknown };
  if (typeof o.key === 'string' && o.key) return o.key;
  if (typeof o.paper?.id === 'string' && o.paper.id) return o.paper.id;
  if (o.kind === undefined && typeof o.id === 'string' && o.id) return o.id;
  return undefined;
}
