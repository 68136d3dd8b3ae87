import { useEffect } from 'react'

/**
 * Names the browser tab after the page, so each page has a title that says what it is
 * (WCAG 2.4.2) and history and tabs tell pages apart.
 */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Quire`
  }, [title])
}
