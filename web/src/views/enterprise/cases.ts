/** A case as the cases API answers it (the contract of issue 15: CaseView). */
export interface Account {
  id: string;
  username: string;
  displayName?: string;
  role: string;
}

export interface CaseView {
  id: string;
  number: string;
  status: 'open' | 'assigned' | 'submitted' | 'escalated' | 'closed';
  outcome: 'rectified' | 'unfounded' | null;
  district: string;
  enterpriseId: string | null;
  enterpriseName: string | null;
  subject: { type: string; id?: string; name?: string; location?: { lat: number; lng: number; address?: string } };
  legalBasis: string;
  title: string;
  description?: string | null;
  source: { type: string };
  officer: Account | null;
  deadline: string | null;
  overdue: boolean;
  rectifications: { text: string; photoIds: string[]; by: Account; at: string }[];
  /** Every photo of the case (in the answers about one case). */
  photos?: { id: string; type: string; bytes: number; at: string }[];
  history: { action: string; from: string | null; to: string; by: Account; at: string; note: string | null }[];
  actions: string[];
  createdAt: string;
  updatedAt: string;
}

export const CASE_STATUSES = ['open', 'assigned', 'submitted', 'escalated', 'closed'] as const;

export const STATUS_TAG: Record<CaseView['status'], 'danger' | 'warning' | 'primary' | 'success' | 'info'> = {
  open: 'danger',
  assigned: 'warning',
  submitted: 'primary',
  escalated: 'danger',
  closed: 'success',
};

export const accountName = (a: Account | null | undefined) => (a ? (a.displayName ?? a.username) : '');

/** A file read as a data: URL (the page's Content-Security-Policy allows data: images, not blob:). */
export function dataUrlOf(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}
