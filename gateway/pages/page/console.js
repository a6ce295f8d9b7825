// console.js: the support and compliance console (/console). It reads and
// acts through the public API only, as the account whose token is pasted:
// what that account may not see or do, the API refuses, and the console
// shows the refusal's meaning. Every action first says what it will do.
"use strict";

const { t, el, gql, when } = CG;

CG.add({
  en: {
    title: "Compliance and support console", consoleHelp: "Each action says what it will do and waits for your confirmation.",
    queue: "Request queue", records: "Access records", grants: "Legal-basis grants (§5(2))", operations: "Approved operations",
    kind: "Kind", subject: "Subject", status: "Status", due: "Due", filed: "Filed", handler: "Handler", actions: "Actions", overdue: "overdue",
    take: "Take in hand", complete: "Complete", reject: "Reject", reason: "Reason",
    takeWhat: "This marks the request IN_PROGRESS, with you as its handler.",
    rejectWhat: "This rejects the request with the reason given; it does nothing else.",
    completeWhat: "This completes the request and does what it asks, at once:",
    NOTICE_does: "the subject receives the notice of purposes, withheld categories and recipients.",
    DISCLOSURE_does: "the subject receives everything held about them.",
    CORRECTION_does: "the proposed changes are applied to the profile.", ADDITION_does: "the proposed additions are applied to the profile.",
    CEASE_OF_USE_does: "every purpose not necessary is withdrawn; mailer, statistics and employers no longer reach the subject.",
    CEASE_OF_PROVISION_does: "provision to every employer is withdrawn; employers no longer reach the subject.",
    DELETION_does: "the subject's personal data is erased everywhere; this cannot be undone.",
    subjectID: "Subject (applicant number)", role: "Role", org: "Organisation", purpose: "Purpose", from: "From", to: "To", search: "Search", any: "Any",
    at: "When", released: "Categories released", legalBasis: "Legal basis", policyVersion: "Policy version", request: "Request id", total: "records in all",
    subjectGlobalID: "Subject (applicant id)", basis: "Legal basis", reference: "Reference", justification: "Justification", openGrant: "Open a grant",
    requestedBy: "Opened by", approvedBy: "Approved by", expiresAt: "Expires", live: "Live", revoked: "Revoked", approve: "Approve", revoke: "Revoke",
    openWhat: "This opens a grant to the subject's data under this basis. It takes effect only once a second compliance account approves it, and then only for you:",
    approveWhat: "This approves the grant: from now, for the grant's lifetime, the account that opened it sees the subject's data, plain, each release recorded. Grant",
    revokeWhat: "This revokes the grant at once, with the reason given. Grant",
    name: "Name", registeredBy: "Registered by", yes: "yes", no: "no", none: "None.",
    LAW: "required by law", LIFE_PROTECTION: "to protect life, body or property", PUBLIC_HEALTH: "public health, children", GOVERNMENT_COOPERATION: "cooperation with a government body",
  },
  ja: {
    title: "コンプライアンス・サポート コンソール", consoleHelp: "各操作は実行内容を示し、確認してから実行します。",
    queue: "請求の一覧", records: "アクセス記録", grants: "法令に基づくアクセス許可（第5条第2項）", operations: "承認済みオペレーション",
    kind: "種類", subject: "本人", status: "状態", due: "期限", filed: "請求日時", handler: "担当者", actions: "操作", overdue: "期限超過",
    take: "対応開始", complete: "完了", reject: "却下", reason: "理由",
    takeWhat: "この請求を対応中（IN_PROGRESS）にし、あなたを担当者として記録します。",
    rejectWhat: "この請求を理由を付けて却下します。それ以外には何もしません。",
    completeWhat: "この請求を完了し、請求内容を直ちに実行します:",
    NOTICE_does: "本人に利用目的・提供停止中の区分・提供先を通知します。",
    DISCLOSURE_does: "本人に保有するすべての情報を開示します。",
    CORRECTION_does: "提案された訂正をプロフィールに反映します。", ADDITION_does: "提案された追加をプロフィールに反映します。",
    CEASE_OF_USE_does: "必要なもの以外のすべての利用目的への同意を撤回します。",
    CEASE_OF_PROVISION_does: "すべての企業への提供を停止します。",
    DELETION_does: "本人の個人データをすべて消去します。元に戻せません。",
    subjectID: "本人（応募者番号）", role: "ロール", org: "組織", purpose: "利用目的", from: "開始", to: "終了", search: "検索", any: "すべて",
    at: "日時", released: "提供された区分", legalBasis: "法的根拠", policyVersion: "ポリシー版", request: "リクエストID", total: "件（合計）",
    subjectGlobalID: "本人（応募者ID）", basis: "法的根拠", reference: "根拠資料", justification: "理由", openGrant: "許可を申請",
    requestedBy: "申請者", approvedBy: "承認者", expiresAt: "有効期限", live: "有効", revoked: "取消", approve: "承認", revoke: "取消",
    openWhat: "この根拠で本人のデータへのアクセス許可を申請します。別のコンプライアンス担当者が承認して初めて、あなたにだけ有効になります:",
    approveWhat: "この許可を承認します。有効期間中、申請者は本人のデータをそのまま閲覧でき、各提供は記録されます。許可",
    revokeWhat: "この許可を理由を付けて直ちに取り消します。許可",
    name: "名前", registeredBy: "登録者", yes: "はい", no: "いいえ", none: "ありません。",
    LAW: "法令に基づく場合", LIFE_PROTECTION: "生命・身体・財産の保護", PUBLIC_HEALTH: "公衆衛生・児童の健全育成", GOVERNMENT_COOPERATION: "国の機関等への協力",
  },
});

function table(id, heads, rows) {
  if (!rows.length) return el("p", {}, t("none"));
  return el("table", { id }, el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h ? t(h) : "")))), el("tbody", {}, rows));
}

// act runs mutation after the user confirmed what, in target, then reloads.
function act(target, what, query, variables, reload) {
  return CG.confirm(target, what, async () => {
    try {
      await gql(query, variables);
    } catch (err) {
      CG.showError(target, err);
    }
    await reload();
  });
}

// The request queue: open requests, overdue first, then by due time.
const handle = `mutation($id: ID!, $status: PrivacyRequestStatus!, $reason: String) { handlePrivacyRequest(id: $id, status: $status, rejectionReason: $reason) { status } }`;

async function loadQueue() {
  const out = document.getElementById("queue-out");
  const confirmIn = document.getElementById("queue-confirm");
  try {
    const data = await gql(`{ privacyRequests(first: 100, where: {statusIn: [RECEIVED, IN_PROGRESS]}, orderBy: {field: DUE_AT, direction: ASC}) {
      totalCount edges { node { id kind status createdAt dueAt overdue handler applicant { id name } } } } }`);
    const list = data.privacyRequests.edges.map((e) => e.node);
    list.sort((a, b) => (b.overdue - a.overdue) || a.dueAt.localeCompare(b.dueAt));
    out.replaceChildren(table("queue-table", ["kind", "subject", "status", "filed", "due", "handler", "actions"], list.map((r) => {
      const reason = el("input", { "aria-label": t("reason"), placeholder: t("reason"), class: "reason" });
      const what = (s) => t("kind") + ": " + r.kind + " · " + (r.applicant.name || r.applicant.id) + " · " + s;
      return el("tr", { "data-request": r.id, class: r.overdue ? "overdue-row" : "" },
        el("td", {}, r.kind),
        el("td", {}, r.applicant.name || "—", " ", el("span", { class: "help" }, r.applicant.id)),
        el("td", {}, r.status),
        el("td", {}, when(r.createdAt)),
        el("td", { class: r.overdue ? "overdue" : "" }, when(r.dueAt) + (r.overdue ? " · " + t("overdue") : "")),
        el("td", {}, r.handler || "—"),
        el("td", {},
          r.status === "RECEIVED" ? el("button", { type: "button", class: "take", onclick: () => act(confirmIn, what(t("takeWhat")), handle, { id: r.id, status: "IN_PROGRESS" }, loadQueue) }, t("take")) : "",
          r.status === "IN_PROGRESS" ? el("button", { type: "button", class: "complete", onclick: () => act(confirmIn, what(t("completeWhat") + " " + t(r.kind + "_does")), handle, { id: r.id, status: "COMPLETED" }, loadQueue) }, t("complete")) : "",
          " ", reason,
          el("button", { type: "button", class: "secondary reject", onclick: () => act(confirmIn, what(t("rejectWhat") + " " + t("reason") + ": " + reason.value), handle, { id: r.id, status: "REJECTED", reason: reason.value }, loadQueue) }, t("reject"))));
    })));
  } catch (err) {
    CG.showError(out, err);
  }
}

// Access-record search: every filter is a non-personal field of the record.
async function searchRecords(ev) {
  if (ev) ev.preventDefault();
  const out = document.getElementById("records-out");
  const where = {};
  const v = (id) => document.getElementById(id).value.trim();
  if (v("records-subject")) where.subjectID = Number(v("records-subject"));
  if (v("records-role")) where.viewerRole = v("records-role");
  if (v("records-org")) where.viewerOrg = v("records-org");
  if (v("records-purpose")) where.purpose = v("records-purpose");
  if (v("records-from")) where.atGTE = new Date(v("records-from")).toISOString();
  if (v("records-to")) where.atLTE = new Date(v("records-to")).toISOString();
  try {
    const data = await gql(`query($where: AccessRecordWhereInput) { accessRecords(first: 50, where: $where, orderBy: {field: AT, direction: DESC}) {
      totalCount edges { node { at role viewerOrg purposes subjectID subjectRef releases { category outcome } legalBasis policyVersion requestID } } } }`, { where });
    const list = data.accessRecords.edges.map((e) => e.node);
    out.replaceChildren(el("p", { class: "help" }, data.accessRecords.totalCount + " " + t("total")),
      table("records-table", ["at", "role", "org", "purpose", "subject", "released", "legalBasis", "policyVersion", "request"], list.map((r) => el("tr", {},
        el("td", {}, when(r.at)), el("td", {}, r.role), el("td", {}, r.viewerOrg || "—"), el("td", {}, r.purposes.join(", ")),
        el("td", {}, r.subjectID != null ? String(r.subjectID) : r.subjectRef.slice(0, 12) + "…"),
        el("td", {}, r.releases.map((x) => x.category + (x.outcome === "MASK" ? " (mask)" : "")).join(", ")),
        el("td", {}, r.legalBasis || "—"), el("td", {}, r.policyVersion || "—"), el("td", {}, r.requestID)))));
  } catch (err) {
    CG.showError(out, err);
  }
}

// Legal-basis grants: open, approve (by another account), revoke.
async function loadGrants() {
  const out = document.getElementById("grants-out");
  const confirmIn = document.getElementById("grant-confirm");
  try {
    const data = await gql(`{ accessGrants(first: 100) { edges { node { id subjectID basis reference requestedBy requestedAt approvedBy expiresAt revokedAt live } } } }`);
    const list = data.accessGrants.edges.map((e) => e.node).reverse();
    out.replaceChildren(table("grants-table", ["subject", "basis", "reference", "requestedBy", "approvedBy", "expiresAt", "live", "actions"], list.map((g) => {
      const reason = el("input", { "aria-label": t("reason"), placeholder: t("reason"), class: "reason" });
      return el("tr", { "data-grant": g.id },
        el("td", {}, g.subjectID), el("td", {}, t(g.basis)), el("td", {}, g.reference), el("td", {}, g.requestedBy + " · " + when(g.requestedAt)),
        el("td", {}, g.approvedBy || "—"), el("td", {}, when(g.expiresAt)),
        el("td", { class: "live" }, g.revokedAt ? t("revoked") : t(g.live ? "yes" : "no")),
        el("td", {},
          !g.approvedBy && !g.revokedAt ? el("button", { type: "button", class: "approve", onclick: () => act(confirmIn, t("approveWhat") + " " + g.id + " (" + g.subjectID + ", " + t(g.basis) + ").", `mutation($id: ID!) { approveAccessGrant(id: $id) { live } }`, { id: g.id }, loadGrants) }, t("approve")) : "",
          g.revokedAt ? "" : [" ", reason, el("button", { type: "button", class: "secondary revoke", onclick: () => act(confirmIn, t("revokeWhat") + " " + g.id + ". " + t("reason") + ": " + reason.value, `mutation($id: ID!, $reason: String!) { revokeAccessGrant(id: $id, reason: $reason) { revokedAt } }`, { id: g.id, reason: reason.value }, loadGrants) }, t("revoke"))]));
    })));
  } catch (err) {
    CG.showError(out, err);
  }
}

document.getElementById("grant-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const v = (id) => document.getElementById(id).value.trim();
  const input = { subjectID: v("grant-subject"), basis: v("grant-basis"), reference: v("grant-reference"), justification: v("grant-justification") };
  act(document.getElementById("grant-confirm"), t("openWhat") + " " + input.subjectID + " · " + t(input.basis) + " · " + input.reference + ".",
    `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { id } }`, { in: input }, loadGrants);
});

async function loadOperations() {
  const out = document.getElementById("operations-out");
  try {
    const data = await gql(`{ operations(first: 100) { edges { node { name purpose description approvedBy registeredBy registeredAt revokedAt revokedBy revocationReason } } } }`);
    out.replaceChildren(table("operations-table", ["name", "purpose", "approvedBy", "registeredBy", "revoked"], data.operations.edges.map(({ node: o }) => el("tr", {},
      el("td", {}, o.name, o.description ? el("div", { class: "help" }, o.description) : ""), el("td", {}, o.purpose), el("td", {}, o.approvedBy),
      el("td", {}, o.registeredBy + " · " + when(o.registeredAt)),
      el("td", {}, o.revokedAt ? when(o.revokedAt) + " · " + o.revokedBy + " · " + (o.revocationReason || "") : "—")))));
  } catch (err) {
    CG.showError(out, err);
  }
}

function fillSelects() {
  const fill = (id, values, label) => {
    const s = document.getElementById(id);
    const chosen = s.value;
    s.replaceChildren(...(label ? [el("option", { value: "" }, t("any"))] : []), ...values.map((x) => el("option", { value: x }, label ? x : t(x))));
    s.value = chosen || (label ? "" : values[0]);
  };
  fill("records-role", ["APPLICANT", "EMPLOYER", "SUPPORT", "MARKETING", "ANALYST", "COMPLIANCE", "ADMIN"], true);
  fill("records-purpose", CG.config.purposes.map((p) => p.purpose), true);
  fill("grant-basis", ["LAW", "LIFE_PROTECTION", "PUBLIC_HEALTH", "GOVERNMENT_COOPERATION"], false);
}

document.getElementById("records-form").addEventListener("submit", searchRecords);
document.getElementById("lang").addEventListener("change", fillSelects);
fillSelects();
CG.start(() => {
  fillSelects();
  return Promise.all([loadQueue(), searchRecords(), loadGrants(), loadOperations()]);
});
