// Counts in words for what users read (the CLI, views, messages): `1 entry`, `2 entries`.

/** `n` with the noun that agrees with it; `many` defaults to `one` + `s`. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
