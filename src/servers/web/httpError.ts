// The one error shape every endpoint answers with: a status and a sentence saying what to do.
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) { super(message); }
}
