import type { Component } from 'vue';

/** What a page needs the session to allow: a resource and action of the permission table. */
export interface Needs {
  resource: string;
  action: string;
}

export type Section = 'overview' | 'supervision' | 'registry' | 'codes' | 'ledger' | 'station';

/**
 * Every console page, in one table: the router's routes and the side menu both come from it, and
 * a page shows for a role only when the role's row of the permission table (auth/me) allows what
 * the page needs. Pages are loaded when first opened (each is its own chunk).
 *
 * Pages whose APIs other work is adding slot in here, under the section named: alerts with their
 * live feed and the dashboard's charts, cases and premises inspections (supervision); the station's
 * scales, their lock and the scale map (supervision for regulators, codes for stations); deliveries
 * (ledger). Each is one entry more, with the `needs` of its API's permission.
 */
export interface PageDef {
  name: string;
  path: string;
  title: string;
  section: Section;
  icon: string;
  component: () => Promise<Component | { default: Component }>;
  needs?: Needs;
  /** Route params the menu entry opens the page with. */
  params?: Record<string, string>;
  /** Shown in the side menu (a detail page is not). */
  menu: boolean;
  /** Only these roles see the page (besides `needs`): a regulator's page whose resource an enterprise also reads. */
  roles?: readonly string[];
}

/** Whether a role with these permissions sees a page. */
export function allows(page: PageDef, role: string | undefined, can: (resource: string, action: string) => boolean): boolean {
  if (page.roles && !(role && page.roles.includes(role))) return false;
  return !page.needs || can(page.needs.resource, page.needs.action);
}

const registry = () => import('../views/registry/RecordListView.vue');

const registryPage = (resource: string, icon: string): PageDef => ({
  name: `registry-${resource}`,
  path: `/console/registry/${resource}`,
  title: `menu.${resource}`,
  section: 'registry',
  icon,
  component: registry,
  needs: { resource, action: 'read' },
  params: { resource },
  menu: true,
});

export const PAGES: readonly PageDef[] = [
  { name: 'overview', path: '/console', title: 'menu.overview', section: 'overview', icon: 'DataBoard', component: () => import('../views/OverviewView.vue'), menu: true },
  { name: 'credentials', path: '/console/credentials', title: 'menu.credentialQueue', section: 'supervision', icon: 'Stamp', component: () => import('../views/regulator/CredentialQueueView.vue'), needs: { resource: 'credentials', action: 'verify' }, menu: true },
  { name: 'rejected', path: '/console/rejected-events', title: 'menu.rejectedEvents', section: 'supervision', icon: 'Warning', component: () => import('../views/ledger/RejectedEventsView.vue'), needs: { resource: 'rejected_events', action: 'read' }, menu: true },
  registryPage('enterprises', 'OfficeBuilding'),
  registryPage('sites', 'Shop'),
  registryPage('vehicles', 'Van'),
  registryPage('workers', 'User'),
  registryPage('customers', 'House'),
  registryPage('cylinders', 'Box'),
  { name: 'imports', path: '/console/imports', title: 'menu.imports', section: 'codes', icon: 'Upload', component: () => import('../views/labels/ImportView.vue'), needs: { resource: 'cylinders', action: 'import' }, menu: true },
  { name: 'labels', path: '/console/labels', title: 'menu.labels', section: 'codes', icon: 'Printer', component: () => import('../views/labels/LabelsView.vue'), needs: { resource: 'cylinders', action: 'update' }, menu: true },
  { name: 'timeline', path: '/console/cylinders/:id?', title: 'menu.timeline', section: 'ledger', icon: 'Connection', component: () => import('../views/ledger/CylinderTimelineView.vue'), needs: { resource: 'events', action: 'read' }, menu: true },
  // Regulator area (issue 16b): the live dashboard, alerts, cases, inspections and hazards, public
  // reports, KPIs and the scale map (regulatorPages() at the end of this file).
  ...regulatorPages(),
  // Enterprise and station pages (issue 16c): the enterprise's own alerts, cases, collisions and
  // credentials, and its filling stations' scales. The cases page shows once the platform has cases
  // (the permission table names them); until then no role is allowed it.
  { name: 'enterprise-alerts', path: '/console/enterprise/alerts', title: 'enterprise.menu.alerts', section: 'supervision', icon: 'BellFilled', component: () => import('../views/enterprise/EnterpriseAlertsView.vue'), needs: { resource: 'alerts', action: 'read' }, roles: ['enterprise_admin'], menu: true },
  { name: 'enterprise-cases', path: '/console/enterprise/cases', title: 'enterprise.menu.cases', section: 'supervision', icon: 'Memo', component: () => import('../views/enterprise/EnterpriseCasesView.vue'), needs: { resource: 'cases', action: 'submit' }, roles: ['enterprise_admin'], menu: true },
  { name: 'enterprise-case', path: '/console/enterprise/cases/:id', title: 'enterprise.menu.case', section: 'supervision', icon: 'Memo', component: () => import('../views/enterprise/EnterpriseCaseView.vue'), needs: { resource: 'cases', action: 'submit' }, roles: ['enterprise_admin'], menu: false },
  { name: 'collisions', path: '/console/enterprise/collisions', title: 'collisions.menu', section: 'supervision', icon: 'Switch', component: () => import('../views/enterprise/CollisionsView.vue'), needs: { resource: 'delivery_collisions', action: 'update' }, menu: true },
  { name: 'enterprise-credentials', path: '/console/enterprise/credentials', title: 'enterprise.menu.credentials', section: 'registry', icon: 'Tickets', component: () => import('../views/enterprise/EnterpriseCredentialsView.vue'), needs: { resource: 'credentials', action: 'submit' }, roles: ['enterprise_admin'], menu: true },
  { name: 'station-scales', path: '/console/station/scales', title: 'station.menu.scales', section: 'station', icon: 'Odometer', component: () => import('../views/station/StationScalesView.vue'), needs: { resource: 'fill_records', action: 'read' }, roles: ['enterprise_admin'], menu: true },
];

export const SECTIONS: readonly Section[] = ['overview', 'supervision', 'registry', 'codes', 'ledger', 'station'];

/**
 * Regulator area (issue 16b): the live dashboard, alerts, cases, inspections and hazards, public
 * reports, KPIs and the scale map. A page whose API is not on the platform (its resource absent
 * from the role's permission row) stays out of the menu by itself.
 */
function regulatorPages(): PageDef[] {
  const regulatorPage = (name: string, path: string, section: Section, icon: string, component: PageDef['component'], needs: Needs, menu = true, roles: readonly string[] = ['city_regulator', 'district_regulator']): PageDef => ({
    name,
    path,
    title: `regulator.menu.${name.replace(/-detail$/, '')}`,
    section,
    icon,
    component,
    needs,
    menu,
    roles,
  });
  return [
    regulatorPage('dashboard', '/console/dashboard', 'overview', 'Monitor', () => import('../views/regulator/DashboardView.vue'), { resource: 'alerts', action: 'update' }),
    regulatorPage('alerts', '/console/alerts', 'supervision', 'Bell', () => import('../views/regulator/AlertListView.vue'), { resource: 'alerts', action: 'update' }),
    regulatorPage('alerts-detail', '/console/alerts/:id', 'supervision', 'Bell', () => import('../views/regulator/AlertDetailView.vue'), { resource: 'alerts', action: 'update' }, false),
    regulatorPage('cases', '/console/cases', 'supervision', 'Document', () => import('../views/regulator/CaseListView.vue'), { resource: 'cases', action: 'create' }),
    regulatorPage('cases-detail', '/console/cases/:id', 'supervision', 'Document', () => import('../views/regulator/CaseDetailView.vue'), { resource: 'cases', action: 'create' }, false),
    regulatorPage('inspections', '/console/inspections', 'supervision', 'Checked', () => import('../views/regulator/InspectionsView.vue'), { resource: 'inspections', action: 'create' }),
    regulatorPage('hazards', '/console/hazards', 'supervision', 'WarnTriangleFilled', () => import('../views/regulator/HazardsView.vue'), { resource: 'inspections', action: 'create' }),
    regulatorPage('checklists', '/console/inspection-checklists', 'supervision', 'List', () => import('../views/regulator/ChecklistsView.vue'), { resource: 'inspection_checklists', action: 'update' }, true, ['city_regulator']),
    regulatorPage('reports', '/console/reports', 'supervision', 'ChatDotSquare', () => import('../views/regulator/ReportsView.vue'), { resource: 'public_reports', action: 'read' }),
    regulatorPage('kpis', '/console/kpis', 'supervision', 'TrendCharts', () => import('../views/regulator/KpisView.vue'), { resource: 'kpis', action: 'read' }),
    regulatorPage('scaleMap', '/console/scale-map', 'supervision', 'Location', () => import('../views/regulator/ScaleMapView.vue'), { resource: 'scale_controls', action: 'create' }),
  ];
}
