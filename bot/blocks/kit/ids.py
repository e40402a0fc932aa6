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
# The card's overflow menu; its option values say which action (bot.blocks.orders.menu).
ORDER_MENU_ACTION = "order_menu"
UNDO_CLOSE_ACTION = "order_undo_close"
EXPEDITE_APPROVE_ACTION = "expedite_approve"
EXPEDITE_DENY_ACTION = "expedite_deny"
EXPEDITE_DECISION_BLOCK = "expedite_decision"
CLOSED_FOLLOW_UP_BLOCK = "closed_follow_up"
# Buttons under an alert (thread line, owner DM): the card's action ids, in a block of their own
# so that saving a modal opened from an alert does not replace the alert with a card.
ALERT_ACTIONS_BLOCK = "alert_actions"
DRAFT_UPDATE_ACTION = "order_draft_update"
SEND_TO_HELPDESK_ACTION = "draft_send_helpdesk"

# App Home (the view state travels in the view's private_metadata and the paging buttons)
HOME_OPENED_EVENT = "app_home_opened"
HOME_VIEW = "home"
HOME_OPEN_ACTION = "home_open_order"
HOME_PREVIOUS_ACTION = "home_previous"
HOME_NEXT_ACTION = "home_next"
HOME_KIND_ACTION = "home_filter_kind"
HOME_TEAM_ACTION = "home_filter_team"
HOME_CLEAR_ACTION = "home_clear_filter"
HOME_REFRESH_ACTION = "home_refresh"
HOME_FILTER_BLOCK = "home_filter"

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
ORDER_CARD_MODAL = "order_card_modal"  # the card opened from the Home tab
CUSTOMER_UPDATE_MODAL = "customer_update_modal"
NOTICE_MODAL = "notice_modal"  # a short answer where no response_url exists (Home, modals)
DIGEST_MODAL = "digest_modal"

# Customer feedback: the message shortcut, its modal and order picker, the card's Edit button.
LOG_FEEDBACK_SHORTCUT = "log_feedback"
FEEDBACK_MODAL = "feedback_modal"
FEEDBACK_TARGET_ACTION = "feedback_target"  # external select: options come from the bot
FEEDBACK_EDIT_ACTION = "feedback_edit"
FEEDBACK_EDIT_MODAL = "feedback_edit_modal"
