import { AppError } from '../../../shared/errors/app.error';
import type { Registry } from '../../registry';
import type { CylinderVisibility } from './log.ports';

/** Registry scope: a cylinder the caller may not read answers 404, exactly like an unknown one. */
export function registryCylinderVisibility(registry: Pick<Registry, 'services'>): CylinderVisibility {
  return async (principal, cylinderId) => {
    try {
      await registry.services.cylinders.get(principal, cylinderId);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return false;
      throw error;
    }
  };
}
