/** G. Keith Still's standing-crowd density classes. */
export type StillClass = 'free' | 'stable' | 'capacity' | 'unstable' | 'congested';

/**
 * Lower bounds (inclusive) of `stable`, `capacity`, `unstable` and `congested`, persons/m²:
 * free [0, 1), stable [1, 2.5), capacity [2.5, 3.5), unstable [3.5, 5), congested >= 5.
 * Source: G. K. Still, "Introduction to Crowd Science", as summarised in docs/CROWD-SAFETY.md.
 */
export const STILL_CLASS_LOWER_BOUNDS_PER_M2 = [1, 2.5, 3.5, 5] as const;

/**
 * The G. K. Still class of a density in persons/m².
 *
 * @example stillClass(2.5) // 'capacity';  stillClass(4.99) // 'unstable'
 */
export function stillClass(densityPerM2: number): StillClass {
  const [stable, capacity, unstable, congested] = STILL_CLASS_LOWER_BOUNDS_PER_M2;
  if (densityPerM2 >= congested) return 'congested';
  if (densityPerM2 >= unstable) return 'unstable';
  if (densityPerM2 >= capacity) return 'capacity';
  if (densityPerM2 >= stable) return 'stable';
  return 'free';
}
