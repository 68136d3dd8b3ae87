/**
 * The base of every error Quire reports to a caller. `message` is the public text; `detail` is
 * for the operator's log only and never leaves the process.
 */
export abstract class QuireError extends Error {
  abstract readonly status: number
  readonly detail: string | undefined

  constructor(message: string, detail?: string) {
    super(message)
    this.name = new.target.name
    this.detail = detail
  }
}

/** A lookup found nothing, or found something the caller may not see. */
export class NotFoundError extends QuireError {
  readonly status = 404
}

/** Input broke a rule; the message names the parameter in double quotes. */
export class ValidationError extends QuireError {
  readonly status = 400
}

/** The request conflicts with what is stored (a name already taken). */
export class ConflictError extends QuireError {
  readonly status = 409
}
