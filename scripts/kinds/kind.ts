import type { AnalyzingKind } from "../analyze/analyzingKind.ts";
import type { ArchivingKind } from "../archive/archivingKind.ts";
import type { ReportingKind } from "../render/reportingKind.ts";
import type { MeasuringKind } from "../run/measuringKind.ts";
import type { SpecKind } from "../spec/specKind.ts";

/**
 * An experiment kind: what its specs say, how its cells are planned and
 * measured on a host, and how its rows are summarized, compared, verified
 * and reported. Each stage declares what it needs of a kind (SpecKind,
 * PlanningKind, MeasuringKind, …) and takes the kind as a parameter; a kind
 * is one folder under kinds/ and one line in kinds/registry.ts.
 */
// The stages' own interfaces are typed over any spec, settings and cell; a kind narrows them inside its folder.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ExperimentKind = SpecKind<any> & MeasuringKind<any, any, any> & AnalyzingKind & ArchivingKind & ReportingKind;
