import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

export const PROJECT_NAME_LIMITS = { min: 1, max: 100 } as const;

/** A project name: trimmed, 1 to 100 characters. */
export function ProjectName(): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    )(target, key);
    IsString()(target, key);
    Length(PROJECT_NAME_LIMITS.min, PROJECT_NAME_LIMITS.max, {
      message: `name must be ${PROJECT_NAME_LIMITS.min} to ${PROJECT_NAME_LIMITS.max} characters long`,
    })(target, key);
  };
}
