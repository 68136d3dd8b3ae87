/** The CLI's only way to print: stdout for results, stderr for errors. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function printLines(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`)
}

export function printError(message: string): void {
  process.stderr.write(`quire: ${message}\n`)
}
