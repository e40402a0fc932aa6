"""Every Slack identifier the app registers or renders: commands, callbacks, actions, blocks."""

BACKLOG_COMMAND = "/backlog"

# Order card and listings
ORDER_ACTIONS_BLOCK = "order_actions"
SHARE_ORDER_ACTION = "order_share"
OPEN_ORDER_ACTION = "order_open"
LIST_NEXT_ACTION = "list_next"
LIST_PAGING_BLOCK = "list_paging"
SUGGESTIONS_BLOCK = "suggestions"
ETA_ACTION = "order_eta"
CONTACT_ACTION = "order_contact"
NOTE_ACTION = "order_note"
# The card's overflow menu; its option values say which action (bot.blocks.order_menu).
ORDER_MENU_ACTION = "order_menu"
UNDO_CLOSE_ACTION = "order_undo_close"
EXPEDITE_APPROVE_ACTION = "expedite_approve"
EXPEDITE_DENY_ACTION = "expedite_deny"
EXPEDITE_DECISION_BLOCK = "expedite_decision"
CLOSED_FOLLOW_UP_BLOCK = "closed_follow_up"

# Digests: a row's overflow menu, "post all in thread", the subscription list's buttons
DIGEST_ROW_ACTION = "digest_row"
DIGEST_ROW_BLOCK = "digest_row:"  # + the order's database id
DIGEST_SHOW_ALL_ACTION = "digest_show_all"
DIGEST_SHOW_ALL_BLOCK = "digest_show_all"
DIGEST_PREVIEW_ACTION = "digest_preview"  # the modal's Refresh button and its schedule inputs
DIGEST_EDIT_ACTION = "digest_edit"
DIGEST_PAUSE_ACTION = "digest_pause"  # value "ID:pause" or "ID:resume"
DIGEST_TEST_ACTION = "digest_test"
DIGEST_REMOVE_ACTION = "digest_remove"

# Modals
ETA_MODAL = "eta_modal"
CONTACT_MODAL = "contact_modal"
NOTE_MODAL = "note_modal"
REASSIGN_MODAL = "reassign_modal"
SNOOZE_MODAL = "snooze_modal"
CLOSE_MODAL = "close_modal"
EXPEDITE_MODAL = "expedite_modal"
DIGEST_MODAL = "digest_modal"

# Declared in manifest.yml ahead of their listeners (customer feedback and App Home issues).
LOG_FEEDBACK_SHORTCUT = "log_feedback"
PENDING_CALLBACKS = frozenset({LOG_FEEDBACK_SHORTCUT})
PENDING_EVENTS = frozenset({"app_home_opened"})
