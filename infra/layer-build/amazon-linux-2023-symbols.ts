/**
 * Whether a native addon's symbol-version needs are met by Amazon Linux 2023, the OS of
 * Lambda's nodejs22.x runtime. A version newer than the system's makes `require` fail on
 * Lambda ("version `GLIBCXX_3.4.30' not found") although it loads on the build machine,
 * so the layer build stops on it instead.
 *
 * The newest versions AL2023 provides, and where they come from:
 * - GLIBC 2.34: AL2023 ships glibc 2.34 as a core toolchain package with long-term
 *   support (AL2023 user guide, "Core toolchain packages glibc, gcc, binutils").
 * - GLIBCXX 3.4.29, CXXABI 1.3.13: AL2023's GCC is major version 11 for its whole life
 *   (AL2023 user guide, "C, C++, and Fortran in AL2023"), and GCC 11.1.0's libstdc++
 *   (libstdc++.so.6.0.29) defines GLIBCXX_3.4.29 and CXXABI_1.3.13 (libstdc++ manual,
 *   ABI policy, "History"). GCC 11's later minor releases add no new version labels.
 */

import type { LibraryVersionNeeds } from './elf-version-needs.ts';

export const AMAZON_LINUX_2023 = {
  name: 'Amazon Linux 2023',
  /** Newest symbol version per label family. */
  newest: { GLIBC: '2.34', GLIBCXX: '3.4.29', CXXABI: '1.3.13' },
} as const;

export type VersionFamily = keyof typeof AMAZON_LINUX_2023.newest;

export interface CheckedVersion {
  library: string;
  version: string;
  family: VersionFamily;
}

export interface SymbolCheck {
  /** Every need the check compared, by family. */
  checked: CheckedVersion[];
  /** The newest need of each family found (absent: the file needs none of it). */
  newestNeeded: Partial<Record<VersionFamily, string>>;
}

export class IncompatibleAddonError extends Error {
  override name = 'IncompatibleAddonError';
}

const LABEL = /^(GLIBCXX|GLIBC|CXXABI)_(\d{1,4}(?:\.\d{1,4}){0,3})$/;

/**
 * Compares every need against `target`'s newest versions. Throws, naming the file, the
 * library, the version and the ceiling, when one is newer, or is a label the check does
 * not know (GLIBC_PRIVATE, libgcc_s's GCC_*): a new dependency must be looked at, not
 * waved through.
 */
export function checkSymbolVersions(needs: LibraryVersionNeeds[], what: string, target: { name: string; newest: Record<VersionFamily, string> } = AMAZON_LINUX_2023): SymbolCheck {
  const checked: CheckedVersion[] = [];
  const problems: string[] = [];
  for (const { file, versions } of needs) {
    for (const version of versions) {
      const match = LABEL.exec(version);
      if (!match) {
        problems.push(`${version} (from ${file}) is not a GLIBC_*, GLIBCXX_* or CXXABI_* version, so whether ${target.name} has it is unknown`);
        continue;
      }
      const family = match[1] as VersionFamily;
      const ceiling = target.newest[family];
      if (compareVersions(match[2]!, ceiling) > 0) problems.push(`${version} (from ${file}) is newer than ${target.name}'s ${family}_${ceiling}`);
      checked.push({ library: file, version, family });
    }
  }
  if (problems.length > 0) {
    throw new IncompatibleAddonError(
      `${what} would not load on ${target.name}: ${problems.join('; ')}. ` +
        `Build it with a toolchain no newer than ${target.name}'s (glibc ${target.newest.GLIBC}, GCC 11), or change what it links.`,
    );
  }
  const newestNeeded: Partial<Record<VersionFamily, string>> = {};
  for (const { family, version } of checked) {
    const number = version.slice(family.length + 1);
    const current = newestNeeded[family];
    if (current === undefined || compareVersions(number, current) > 0) newestNeeded[family] = number;
  }
  return { checked, newestNeeded };
}

/** Dotted numeric versions, component by component (`3.4.9` < `3.4.29`); missing components count as 0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** One line for the build log: what the file needs at most, against the target's ceilings. */
export function describeSymbolCheck(check: SymbolCheck, what: string, target: { name: string; newest: Record<VersionFamily, string> } = AMAZON_LINUX_2023): string {
  const families = (Object.keys(target.newest) as VersionFamily[]).map((family) => {
    const needed = check.newestNeeded[family];
    return needed === undefined ? `${family} none needed` : `${family}_${needed} ≤ ${target.newest[family]}`;
  });
  return `${what} needs at most ${families.join(', ')} (${target.name}): loads there`;
}
