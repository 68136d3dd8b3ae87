import { ValidationError } from '../errors.js'
import { pick } from '../http/param-readers.js'
import type { Params } from '../http/request-params.js'

const TRUE = ['true', '1', 'yes', 'on']
const FALSE = ['false', '0', 'no', 'off']

/**
 * A flag as clients send it: a JSON boolean, or text in any case ("True" is what Python's
 * requests sends for True in a form).
 */
export function readTruthy(params: Params, name: string): boolean {
  const value = pick(params, name)
  if (value === undefined) return false
  const text = String(value).trim().toLowerCase()
  if (TRUE.includes(text)) return true
  if (FALSE.includes(text)) return false
  throw new ValidationError(`"${name}" must be true or false`)
}
