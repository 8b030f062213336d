// A mistake in a command's words (a missing name, an unknown action, a bad flag value): the command's group
// prints the message with its usage and exits 2, where any other failure exits 1.
export class UsageError extends Error {}
