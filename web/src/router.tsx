import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react'

export const BASE = '/dashboard'

const listeners = new Set<() => void>()

/** Moves to a page of the app without reloading it. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${path}`
  if (options.replace === true) history.replaceState(null, '', url)
  else history.pushState(null, '', url)
  for (const listener of listeners) listener()
}

/** The path below /dashboard, e.g. `/books/…`, kept up to date with the address bar. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath)
  useEffect(() => {
    const update = () => setPath(currentPath())
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return path
}

function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/'
  return path === '' ? '/' : path
}

/** A real link (it opens in a new tab too) that moves within the app on a plain click. */
export function Link({ to, ...props }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
    event.preventDefault()
    navigate(to)
  }
  return <a href={`${BASE}${to}`} onClick={onClick} {...props} />
}

/**
 * A parameter of the address's fragment (`#token=…`), kept up to date: a link pasted into a tab
 * already at the same path changes only the fragment, which reloads nothing.
 */
export function useFragmentParam(name: string): string {
  const [value, setValue] = useState(() => fragmentParam(name))
  useEffect(() => {
    const update = () => setValue(fragmentParam(name))
    window.addEventListener('hashchange', update)
    return () => window.removeEventListener('hashchange', update)
  }, [name])
  return value
}

function fragmentParam(name: string): string {
  return new URLSearchParams(location.hash.slice(1)).get(name) ?? ''
}
