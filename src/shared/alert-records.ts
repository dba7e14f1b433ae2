/** One definition of an alert for the server, the CLI and the dashboard. */

/** An alert: something that needs an operator's eye. `kind` is open: `silence` today, more kinds later. */
export interface AlertRecord {
  id: number;
  kind: string;
  groupId: number | null;
  groupName: string | null;
  /** ISO time it was raised. */
  at: string;
  detail: Record<string, unknown>;
}

/** A `silence` alert's detail (src/activation/silence-watchdog.ts). */
export interface SilenceAlertDetail {
  /** The last member message (or the group's creation), ISO. */
  silentSince: string;
  silentMinutes: number;
  thresholdMinutes: number;
  /** The operators' group notified, if one is set. */
  notifiedGroupId: number | null;
  /** The prepared topic posted with the alert, if any. */
  topic: string | null;
}
