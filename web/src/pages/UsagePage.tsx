import { useEffect, useRef, useState, type RefObject } from 'react'

import { Loading, useLoad } from '../components/load'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

interface Usage {
  days: string[]
  credentials: { client_id: string; name: string; revoked: boolean; requests: number[] }[]
}

/** Colours told apart also by people with the common colour-vision deficiencies. */
const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000']

const HEIGHT = 240
const PAD = { left: 44, right: 20, top: 12, bottom: 36 }
/** Day labels stay at least this far apart (in px, as drawn), however narrow the screen. */
const LABEL_SPACING = 44

export function UsagePage() {
  usePageTitle('Usage')
  const usage = useLoad<Usage>('/usage')
  if (usage.data === undefined) return <Loading error={usage.error} />
  const { days, credentials } = usage.data
  const totals = days.map((_, i) => credentials.reduce((sum, c) => sum + (c.requests[i] ?? 0), 0))

  return (
    <>
      <h1>Usage</h1>
      <p>Requests to the API per credential per day (UTC), over the last {days.length} days.</p>
      {credentials.length === 0 ? (
        <p>No credentials yet.</p>
      ) : (
        <>
          <Chart days={days} credentials={credentials} totals={totals} />
          <ul className="legend">
            {credentials.map((c, i) => (
              <li key={c.client_id}>
                <span className="swatch" style={{ background: COLOURS[i % COLOURS.length] }} />
                {c.name} {c.revoked && '(revoked)'}
              </li>
            ))}
          </ul>
          <TableFrame label="Requests per credential per day">
            <table className="per-day">
              <caption className="visually-hidden">Requests per credential per day</caption>
              <thead>
                <tr>
                  <th scope="col">Credential</th>
                  {days.map((day) => (
                    <th scope="col" key={day}>
                      {day.slice(5)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {credentials.map((c) => (
                  <tr key={c.client_id}>
                    <th scope="row">{c.name}</th>
                    {c.requests.map((n, i) => (
                      <td key={days[i]}>{n}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        </>
      )}
    </>
  )
}

/**
 * Stacked bars, one per day; the table below holds the same numbers for screen readers. Drawn
 * at the width it is shown at, so its text keeps its size on a phone instead of shrinking.
 */
function Chart({ days, credentials, totals }: Usage & { totals: number[] }) {
  const [frame, width] = useWidth(720)
  const max = Math.max(1, ...totals)
  const plotWidth = width - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const slot = plotWidth / days.length
  const scale = (n: number) => (n / max) * plotHeight
  // Counted back from today, so the newest day always has its label.
  const labelEvery = Math.max(1, Math.ceil(LABEL_SPACING / slot))

  return (
    <div ref={frame}>
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={`Bar chart of requests per day; the most in one day was ${Math.max(0, ...totals)}. The table below lists every number.`}
      >
        <line
          x1={PAD.left}
          x2={width - PAD.right}
          y1={HEIGHT - PAD.bottom}
          y2={HEIGHT - PAD.bottom}
          stroke="#8c959f"
        />
        <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" fontSize="11">
          {max}
        </text>
        <text x={PAD.left - 6} y={HEIGHT - PAD.bottom} textAnchor="end" fontSize="11">
          0
        </text>
        {days.map((day, i) => {
          let y = HEIGHT - PAD.bottom
          const x = PAD.left + i * slot + slot * 0.15
          return (
            <g key={day}>
              {credentials.map((c, k) => {
                const h = scale(c.requests[i] ?? 0)
                y -= h
                return h === 0 ? null : (
                  <rect
                    key={c.client_id}
                    x={x}
                    y={y}
                    width={slot * 0.7}
                    height={h}
                    fill={COLOURS[k % COLOURS.length]}
                  />
                )
              })}
              {(days.length - 1 - i) % labelEvery === 0 && (
                <text
                  x={x + slot * 0.35}
                  y={HEIGHT - PAD.bottom + 16}
                  textAnchor="middle"
                  fontSize="11"
                >
                  {day.slice(5)}
                </text>
              )}
            </g>
          )
        })}
      </svg>
    </div>
  )
}

/** The width an element is laid out at, kept up to date as the window is resized. */
function useWidth(initial: number): [RefObject<HTMLDivElement | null>, number] {
  const frame = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(initial)
  useEffect(() => {
    const element = frame.current
    if (element === null) return
    const observer = new ResizeObserver(([entry]) => {
      if (entry !== undefined) setWidth(Math.max(240, Math.floor(entry.contentRect.width)))
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [frame, width]
}
