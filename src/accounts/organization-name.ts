import { ValidationError } from '../errors.js'

/** Longest organization name, in characters (code points) after trimming. */
export const MAX_ORGANIZATION_NAME = 100

/** Besides letters, digits and spaces: the punctuation company names use. */
export const ORGANIZATION_NAME_PUNCTUATION = ". , & ' ’ ( ) @ _ - /"

/**
 * Letters and digits of any script, with their combining marks (a decomposed "é" is "e" and a
 * mark), spaces and the punctuation above. Control and format characters (bidi overrides, zero
 * widths) never match, so a name is safe to print on a terminal or in a log line.
 */
const ALLOWED = /^[\p{L}\p{M}\p{N} .,&'’()@_\-/]+$/u

/**
 * The form a name is stored and looked up in: trimmed, and NFC so that "Crédit" typed with a
 * precomposed or a decomposed "é" is one organization.
 */
export function normalizeOrganizationName(name: string): string {
  return name.normalize('NFC').trim()
}

/** A valid organization name, normalized; `field` names the parameter in the message. */
export function checkOrganizationName(name: unknown, field: string): string {
  const value = typeof name === 'string' ? normalizeOrganizationName(name) : ''
  const length = [...value].length
  if (length === 0 || length > MAX_ORGANIZATION_NAME || !ALLOWED.test(value)) {
    throw new ValidationError(
      `"${field}" must be 1 to ${MAX_ORGANIZATION_NAME} letters, digits, spaces or ${ORGANIZATION_NAME_PUNCTUATION}`,
    )
  }
  return value
}
