import { useEffect, useId, useRef, useState, type ReactNode } from 'react'

/**
 * A button that asks first, in a modal dialog (keyboard: Escape cancels, focus stays inside).
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  onOpen,
  disabled,
  danger = true,
}: {
  label: string
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  /** Called as the dialog opens, to reset what it holds. */
  onOpen?: () => void
  disabled?: boolean
  danger?: boolean
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  // A title holds spaces, so it cannot be an id; aria-labelledby needs one it can resolve.
  const titleId = useId()
  return (
    <>
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        disabled={disabled}
        onClick={() => {
          onOpen?.()
          dialog.current?.showModal()
        }}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        <div>{children}</div>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'danger' : 'primary'}
            onClick={() => {
              dialog.current?.close()
              onConfirm()
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  )
}

/** Copies a value; says so in words, also to screen readers. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 4000)
    return () => clearTimeout(timer)
  }, [state])

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setState('copied')
    } catch {
      setState('failed')
    }
  }
  return (
    <span className="copy">
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {state === 'copied'
          ? 'Copied.'
          : state === 'failed'
            ? 'Copy failed: select and copy it by hand.'
            : ''}
      </span>
    </span>
  )
}
