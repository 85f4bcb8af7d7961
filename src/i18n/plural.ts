/** "1 file", "2 files": an English count with its noun (`many` for an irregular plural). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
