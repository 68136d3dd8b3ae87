/**
 * The form types an upload may name, as the bearer API accepts them (FORM_TYPES in
 * src/documents/document-values.ts; a test keeps the two in step), with the names people use.
 */
export const FORM_TYPE_NAMES: Readonly<Record<string, string>> = {
  BANK_STATEMENT: 'Bank statement',
  PAYSTUB: 'Pay stub',
  W2: 'W-2',
  A_1099_INT: '1099-INT',
  A_1099_MISC: '1099-MISC',
  A_1099_NEC: '1099-NEC',
  A_1099_DIV: '1099-DIV',
  A_1099_R: '1099-R',
  A_1040: 'Form 1040',
  TAX_RETURN: 'Tax return',
  CREDIT_CARD_STATEMENT: 'Credit card statement',
  INVOICE_SUMMARY: 'Invoice summary',
  UTILITY_BILL: 'Utility bill',
  DRIVERS_LICENSE: 'Driver’s license',
}

/** A form type or document class as a person reads it; one this list lacks, in plain words. */
export function formTypeName(type: string): string {
  const known = FORM_TYPE_NAMES[type]
  if (known !== undefined) return known
  const words = type.replaceAll('_', ' ').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
