/** A setting the stack must give a function through its environment is missing or wrong. */
export class MissingEnvError extends Error {
  override name = 'MissingEnvError';
}

export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvError(`environment variable ${name} is not set (the stack sets it on the function)`);
  return value;
}

/** A positive number from the environment, or `fallback` when unset. */
export function positiveNumberEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new MissingEnvError(`environment variable ${name}: expected a positive number, got ${JSON.stringify(text)}`);
  return value;
}
