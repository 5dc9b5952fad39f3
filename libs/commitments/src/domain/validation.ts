import { InvalidCommandError, type FieldProblem } from './commitments.errors.js';

/**
 * Collects what is wrong with a command so the caller hears about every
 * offending field at once, then throws one InvalidCommandError.
 */
export class CommandCheck {
  private readonly problems: FieldProblem[] = [];

  constructor(private readonly command: string) {}

  require(ok: boolean, field: string, problem: string): this {
    if (!ok) this.problems.push({ field, problem });
    return this;
  }

  done(): void {
    if (this.problems.length > 0) throw new InvalidCommandError(this.command, this.problems);
  }
}

export function isNonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function allNonBlank(values: readonly unknown[]): boolean {
  return values.every(isNonBlank);
}

export function hasDuplicates(values: readonly string[]): boolean {
  return new Set(values).size !== values.length;
}

/** Null for absent or blank text, the text otherwise. */
export function blankToNull(value: string | null | undefined): string | null {
  return isNonBlank(value) ? value : null;
}
