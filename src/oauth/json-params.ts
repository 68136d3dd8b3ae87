import type { FastifyInstance } from 'fastify'

import { InvalidRequest } from './errors.js'

/**
 * The JSON bodies Ocrolus clients send to the token endpoint. JSON.parse keeps the last of two
 * equal keys, which would let a repeated parameter through; RFC 6749 §3.1 says "Request and
 * response parameters MUST NOT be included more than once", as for the form body.
 */
export function registerJsonParams(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const repeated = repeatedTopLevelKey(body as string)
    if (repeated !== undefined) {
      done(new InvalidRequest(`"${repeated}" must not be repeated`), undefined)
      return
    }
    parseJson(request, body as string, done)
  })
}

/** The first key of the outermost object that occurs twice; a scan, no second parse. */
export function repeatedTopLevelKey(text: string): string | undefined {
  const seen = new Set<string>()
  let depth = 0

  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
    else if (c === '"') {
      const end = stringEnd(text, i)
      if (depth === 1 && /^\s*:/.test(text.slice(end + 1, end + 64))) {
        const key = decodeKey(text.slice(i, end + 1))
        if (key !== undefined && seen.has(key)) return key
        if (key !== undefined) seen.add(key)
      }
      i = end
    }
  }
  return undefined
}

/** The index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i
  }
  return text.length
}

function decodeKey(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string
  } catch {
    return undefined
  }
}
