import { RaqibError } from '@raqib/core';

/**
 * A password for a command: `RAQIB_PASSWORD` when set (scripts, CI), else the first line of stdin
 * (piped, or typed at a prompt on stderr without echo). Never a command-line option: those end up
 * in shell history and `ps`.
 */
export async function readSecret(prompt: string, stderr: NodeJS.WritableStream): Promise<string> {
  const fromEnv = process.env.RAQIB_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const stdin = process.stdin;
  if (stdin.isTTY) {
    stderr.write(prompt);
    stdin.setRawMode(true);
  }
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        // Ctrl-C at the prompt (raw mode delivers it as a byte).
        if (text.includes('\u0003')) return finish(new RaqibError('USAGE', 'interrupted'));
        const end = text.search(/[\r\n]/);
        if (end >= 0) finish(undefined, text.slice(0, end));
      };
      const onEnd = () => finish(undefined, text);
      const finish = (error?: Error, value?: string) => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        if (error) reject(error);
        else resolve(value ?? '');
      };
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.resume();
    });
    return line;
  } finally {
    if (stdin.isTTY) {
      stdin.setRawMode(false);
      stderr.write('\n');
    }
  }
}
