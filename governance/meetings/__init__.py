"""The joint meetings (联席会议): agendas, sessions, decisions and the minutes.

Subjects of an agenda (cases today) come through `governance.meetings.subjects`; the models
keep the `governance` app label (governance.models imports them).
"""
