/**
 * Builds bin/zk-lookout's JavaScript from the sources once per test run, so the tests that
 * run the command run the code being tested, never a build left from an older checkout.
 */
// @ts-expect-error -- a plain ES module script with no type declarations
import { buildCli } from '../../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  await (buildCli as () => Promise<void>)();
}
