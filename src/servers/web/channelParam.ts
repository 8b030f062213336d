// The channel a request is about: ?channel=<name>, else the server's default channel.
import type { FastifyRequest } from 'fastify';
import { channelNameProblem } from '../../shared/validation';
import { HttpError } from './httpError';

export function channelOf(req: FastifyRequest, defaultChannel: string): string {
  const given = (req.query as Record<string, unknown> | undefined)?.channel;
  const name = typeof given === 'string' ? given : defaultChannel;
  const problem = channelNameProblem(name);
  if (problem) throw new HttpError(400, problem);
  return name;
}
