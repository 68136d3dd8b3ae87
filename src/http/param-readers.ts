import { ValidationError } from '../errors.js'
import type { Params } from './request-params.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The first value present among a parameter's aliases, as clients send any of them. */
export function pick(params: Params, ...names: string[]): unknown {
  for (const name of names) {
    const value = first(params[name])
    if (value !== undefined && value !== null && value !== '') return value
  }
  return undefined
}

export function readString(
  params: Params,
  name: string,
  options: { max?: number } = {},
): string | undefined {
  const value = pick(params, name)
  if (value === undefined) return undefined
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new ValidationError(`"${name}" must be a string`)

  const text = String(value)
  if (text.length > (options.max ?? 255))
    throw new ValidationError(`"${name}" must be at most ${options.max ?? 255} characters`)
  return text
}

/** Booleans arrive as JSON booleans, or as "true"/"false" strings from forms and some clients. */
export function readBoolean(params: Params, name: string): boolean | undefined {
  const value = pick(params, name)
  if (value === undefined) return undefined
  if (value === true || value === 'true' || value === '1' || value === 1) return true
  if (value === false || value === 'false' || value === '0' || value === 0) return false
  throw new ValidationError(`"${name}" must be true or false`)
}

export function readInteger(
  params: Params,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = pick(params, name)
  if (value === undefined) return undefined

  const number =
    typeof value === 'number' ? value : /^-?\d+$/.test(String(value)) ? Number(value) : NaN
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ValidationError(`"${name}" must be an integer from ${min} to ${max}`)
  }
  return number
}

export function readEnum<T extends string>(
  params: Params,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = readString(params, name)
  if (value === undefined) return undefined
  const match = allowed.find((item) => item === value.toUpperCase() || item === value)
  if (match === undefined)
    throw new ValidationError(`"${name}" must be one of ${allowed.join(', ')}`)
  return match
}

/** A pk or a uuid given under any alias; a uuid sent as "pk" is taken as the uuid it is. */
export function readRef(
  params: Params,
  pkNames: string[],
  uuidNames: string[],
): { pk?: number; uuid?: string } | undefined {
  const uuid = pick(params, ...uuidNames)
  if (uuid !== undefined) {
    if (typeof uuid !== 'string' || !UUID.test(uuid)) return { uuid: String(uuid) }
    return { uuid: uuid.toLowerCase() }
  }

  const pk = pick(params, ...pkNames)
  if (pk === undefined) return undefined
  if (typeof pk === 'string' && UUID.test(pk)) return { uuid: pk.toLowerCase() }

  const number = typeof pk === 'number' ? pk : /^\d+$/.test(String(pk)) ? Number(pk) : NaN
  if (!Number.isSafeInteger(number))
    throw new ValidationError(`"${pkNames[0]}" must be an integer or a uuid`)
  return { pk: number }
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value
}
