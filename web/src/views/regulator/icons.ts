import { Bell, ChatDotSquare, Checked, Document, List, Location, Monitor, TrendCharts, WarnTriangleFilled } from '@element-plus/icons-vue';
import type { Component } from 'vue';

/** The side menu's icons of the regulator pages (router/pages.ts names them). */
export const REGULATOR_ICONS: Record<string, Component> = { Bell, ChatDotSquare, Checked, Document, List, Location, Monitor, TrendCharts, WarnTriangleFilled };
