const MUTED_KEY = 'raqib.soundMuted';

let muted = readMuted();
const listeners = new Set<() => void>();

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTED_KEY) === '1';
  } catch {
    return false;
  }
}

export function soundMuted(): boolean {
  return muted;
}

export function setSoundMuted(value: boolean): void {
  muted = value;
  try {
    localStorage.setItem(MUTED_KEY, value ? '1' : '0');
  } catch {
    // the choice holds for this page only
  }
  listeners.forEach((listener) => listener());
}

export function onSoundChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let context: AudioContext | null = null;

/**
 * Three short high beeps for a critical alert, synthesised (no audio file to ship). Browsers only
 * play after a user gesture on the page; the sign-in click counts.
 */
export function playCriticalSound(): void {
  if (muted) return;
  try {
    context ??= new AudioContext();
    const start = context.currentTime;
    for (let i = 0; i < 3; i++) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, start + i * 0.25);
      gain.gain.setValueAtTime(0, start + i * 0.25 + 0.15);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + i * 0.25);
      oscillator.stop(start + i * 0.25 + 0.16);
    }
  } catch {
    // No audio device: the card and its colour still show the alert.
  }
}
