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

# Modals
ETA_MODAL = "eta_modal"
CONTACT_MODAL = "contact_modal"
NOTE_MODAL = "note_modal"

# Declared in manifest.yml ahead of their listeners (customer feedback and App Home issues).
LOG_FEEDBACK_SHORTCUT = "log_feedback"
PENDING_CALLBACKS = frozenset({LOG_FEEDBACK_SHORTCUT})
PENDING_EVENTS = frozenset({"app_home_opened"})
