import type { ReactNode } from 'react'

/**
 * A table that scrolls sideways when the screen is narrower than it. The frame takes keyboard
 * focus, so the columns out of view can be scrolled to without a pointer (WCAG 2.1.1).
 */
export function TableFrame({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}
