/** An amount of money as the CLI shows it: two decimals, four when a non-zero amount would read 0.00. */
export function money(amount: number): string {
  return amount.toFixed(amount !== 0 && Math.abs(amount) < 0.01 ? 4 : 2);
}
