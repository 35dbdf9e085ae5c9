# The hemtjänst directory (Recipient) and its admin live in cases/ since issue 8: it is organisational data.
