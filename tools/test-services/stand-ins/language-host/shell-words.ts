/**
 * Splits a command-line string into words the way a POSIX shell would (quotes and backslashes, no
 * expansion), as upstream splits the `nodeargs` option with github.com/google/shlex.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += char;
      continue;
    }
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (char === "'" || char === '"') quote = char;
    else if (char === "\\" && i + 1 < line.length) word += line[++i];
    else word += char;
  }
  if (quote) throw new Error(`nodeargs has an unclosed ${quote} quote: ${line}`);
  if (inWord) words.push(word);
  return words;
}
