/**
 * Where a JSON text first breaks the grammar (RFC 8259). `JSON.parse` says so only for some
 * errors ("… at position 17"); for others ("Unexpected token ']'", "Unexpected end of JSON
 * input") it does not, and an error must always name its line. A scan without recursion, so a
 * text nested ten thousand levels deep is no danger.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y

/** The offset of the first syntax error (the text's length when it ends too soon), or -1 when it is valid JSON. */
export function jsonErrorOffset(text: string): number {
  const open: ('{' | '[')[] = []
  let state: 'value' | 'key' | 'after' | 'first-value' | 'first-key' = 'value'
  let i = 0
  while (true) {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++
    if (i >= text.length) return state === 'after' && open.length === 0 ? -1 : text.length
    const ch = text[i] as string
    if (state === 'after') {
      const top = open.at(-1)
      if (top === undefined) return i
      if (ch === ',') state = top === '{' ? 'key' : 'value'
      else if ((ch === '}' && top === '{') || (ch === ']' && top === '[')) open.pop()
      else return i
      i++
      continue
    }
    if (state === 'key' || state === 'first-key') {
      if (ch === '}' && state === 'first-key') {
        open.pop()
        state = 'after'
        i++
        continue
      }
      if (ch !== '"') return i
      const end = stringEnd(text, i)
      if (end < 0) return -end - 1
      i = end
      while (i < text.length && WHITESPACE.has(text[i] as string)) i++
      if (i >= text.length) return text.length
      if (text[i] !== ':') return i
      i++
      state = 'value'
      continue
    }
    // A value is expected (or, right after '[', the array's end).
    if (ch === ']' && state === 'first-value') {
      open.pop()
      state = 'after'
      i++
      continue
    }
    if (ch === '{' || ch === '[') {
      open.push(ch)
      state = ch === '{' ? 'first-key' : 'first-value'
      i++
      continue
    }
    if (ch === '"') {
      const end = stringEnd(text, i)
      if (end < 0) return -end - 1
      i = end
    } else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i))
      if (literal) i += literal.length
      else {
        NUMBER.lastIndex = i
        if (!NUMBER.test(text)) return i
        i = NUMBER.lastIndex
      }
    }
    state = 'after'
  }
}

/** Just past the string starting at `start` (a quote), or -(offset + 1) of its first error. */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === 0x22) return i + 1
    if (code < 0x20) return -(i + 1)
    if (code === 0x5c) {
      ESCAPE.lastIndex = i
      if (!ESCAPE.test(text)) return -(i + 1)
      i = ESCAPE.lastIndex
    } else i++
  }
  return -(text.length + 1)
}
