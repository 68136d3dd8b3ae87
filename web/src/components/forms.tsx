import { useId, useState, type InputHTMLAttributes, type ReactNode } from 'react'

import { Problem } from '../api'

/** A labelled input; the hint is read out with it by screen readers. */
export function Field({
  label,
  hint,
  ...input
}: { label: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint === undefined ? undefined : `${id}-hint`} {...input} />
      {hint !== undefined && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  )
}

/** A password being chosen: the server's minimum length, and the browser may suggest one. */
export function NewPasswordField({
  label,
  name,
  hint,
}: {
  label: string
  name: string
  hint: string
}) {
  return (
    <Field
      label={label}
      name={name}
      type="password"
      required
      minLength={10}
      autoComplete="new-password"
      hint={hint}
    />
  )
}

/**
 * An error in words, announced when it appears. The API names fields as it knows them
 * (`"webhook.url"`); `fields` maps those names to the labels the person sees on the form.
 */
export function ErrorNote({ error, fields }: { error: unknown; fields?: Record<string, string> }) {
  if (error === undefined || error === null) return null
  const message =
    error instanceof Problem
      ? withLabels(error.message, fields ?? {})
      : 'Something unexpected went wrong in the page. Reload it and try again.'
  return (
    <p className="error" role="alert">
      {message}
    </p>
  )
}

function withLabels(message: string, fields: Record<string, string>): string {
  return message.replace(/"([^"]+)"/g, (quoted, name: string) => {
    const label = fields[name]
    return label === undefined ? quoted : `"${label}"`
  })
}

/** Runs an action, remembering whether it is under way and how it failed. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const run = async (...args: A) => {
    setBusy(true)
    setError(undefined)
    try {
      await action(...args)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return { run, busy, error, setError }
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {}
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string') values[key] = value
  })
  return values
}
