import type { Registrar } from './index.js';
import { registerTransition } from '../shared/transition.js';

export function register(r: Registrar): void {
  registerTransition(r, 'escalate');
}
