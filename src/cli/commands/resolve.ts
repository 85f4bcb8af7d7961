import type { Registrar } from './index.js';
import { registerTransition } from '../follow/transition.js';

export function register(r: Registrar): void {
  registerTransition(r, 'resolve');
}
