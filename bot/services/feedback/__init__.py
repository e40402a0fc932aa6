"""Customer feedback: capture, classification, the trend report and its weekly delivery.

The package imports nothing itself: bot.services.orders.reader reads feedback for the order card
(entries), while the feedback service raises the orders' OrderNotFound.
"""
