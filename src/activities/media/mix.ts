export async function mixEpisodeAudio(..._: unknown[]): Promise<void> { throw new Error('stub'); }
