"""The practice's starting content: what `seed_demo` loads into a new database.

Staff edit all of it in the admin afterwards; loading again never overwrites their edits.
"""

PAGES = [
    {
        "slug": "home",
        "title": "Feel better in your relationships, and in yourself",
        "navigation_title": "Home",
        "navigation_order": 0,
        "show_in_navigation": False,
        "meta_description": "Interpersonal Process Therapy (IPT) in Ballard, Seattle, and online for Washington "
        "residents. Book a free 15-minute phone consultation.",
        "lead": "Thrive for the People is a small therapy practice in Ballard, Seattle. We offer Interpersonal "
        "Process Therapy (IPT): a focused, practical way to ease depression and anxiety by changing how you "
        "connect with the people around you.",
        "sections": [
            (
                "You don't have to untangle this alone",
                "Maybe the same arguments keep coming back. Maybe you feel far from people you love, or you "
                "have been low for longer than you can explain. Feelings and relationships are bound up with "
                "each other, and when one is hurting, the other usually is too.\n\n"
                "IPT works with both at once. Together with your therapist, you look at the patterns in how you "
                "relate to others and to yourself, and you try out small, deliberate changes in your real life, so "
                "that whatever has kept you from closeness gets in the way less in the relationships still ahead.",
            ),
            (
                "In person in Ballard, or online anywhere in Washington",
                "Our office is on Ballard Avenue in Seattle. If getting here is hard, we also meet online with "
                "anyone who lives in Washington State.\n\n"
                "[In-person and online sessions](/in-person-and-online/) · [Find the office](/contact/)",
            ),
            (
                "A gentle first step",
                "Not sure if therapy is for you? A free 15-minute phone call lets you ask questions and see "
                "whether IPT with us is a good fit for you.",
            ),
        ],
    },
    {
        "slug": "what-is-ipt",
        "title": "What is Interpersonal Process Therapy?",
        "navigation_title": "What is IPT?",
        "navigation_order": 10,
        "show_in_navigation": True,
        "meta_description": "Interpersonal Process Therapy (IPT), also called Interpersonal Psychotherapy, eases "
        "depression and anxiety by changing how you relate to others.",
        "lead": "Interpersonal Process Therapy, or IPT, is a structured, goal-focused therapy. It treats "
        "depression and other mood problems by helping you change the way you relate to the people in your "
        "life. You may also hear it called Interpersonal Psychotherapy.",
        "sections": [
            (
                "Your mood and your relationships shape each other",
                "The idea at the heart of IPT is simple: how we feel and how we get along with others are "
                "linked. Conflict, loss, loneliness or a big change in your role can bring on low mood or "
                "anxiety, and low mood in turn makes relationships harder.\n\n"
                "IPT grew out of the interpersonal school of psychology. It was first studied in 1969 as a "
                "treatment for major depression. Its developers were Myrna M. Weissman, Ph.D., and Gerald L. "
                "Klerman, M.D.",
            ),
            (
                "What you work on",
                "You and your therapist look closely at the way you usually engage with others, and then look "
                "for chances to do things differently in everyday life. That might mean:\n\n"
                "- telling people how you feel, clearly and kindly\n"
                "- asking for what you need\n"
                "- bringing more people into your life, in ways that fit your values\n"
                "- handling disagreements so they don't keep repeating\n\n"
                "The aim is twofold: to ease your symptoms, and to leave you with closer, steadier and more "
                "satisfying relationships.",
            ),
            (
                "Is it right for me?",
                "IPT was made for depression, and it is increasingly used for other concerns as well. If you want "
                "to understand how your relationships, your family and the way you see yourself bear on how you "
                "feel, the simplest way to find out whether IPT fits is a free call with us.\n\n"
                "[Does IPT work?](/does-ipt-work/) · [How IPT works, step by step](/how-ipt-works/)",
            ),
        ],
    },
    {
        "slug": "does-ipt-work",
        "title": "Does IPT work?",
        "navigation_title": "Does it work?",
        "navigation_order": 20,
        "show_in_navigation": True,
        "meta_description": "IPT has been tested in more than 250 randomized clinical trials and works as well as "
        "medication for depression.",
        "lead": "Yes, and the evidence for it is strong. IPT is one of the most carefully studied talking "
        "therapies there is.",
        "sections": [
            (
                "Decades of research",
                "Since it was first explored for major depression in 1969, IPT has been tested in more than 250 "
                "randomized clinical trials. Again and again, researchers have asked whether it helps, and the "
                "answer has been a clear yes.",
            ),
            (
                "As effective as medication for depression",
                "Studies show IPT works as well as antidepressant medication for depression. It can also help "
                "some people for whom medication has not worked.",
            ),
            (
                "More than depression",
                "A growing body of research supports IPT for other concerns too, including:\n\n"
                "- post-traumatic stress (PTSD)\n"
                "- anxiety\n"
                "- bipolar disorder\n"
                "- eating disorders\n"
                "- substance use",
            ),
            (
                "Why it works",
                "IPT has a clear shape. Sessions stay focused on the relationships and changes that matter most "
                "to you right now. As the strain in those relationships eases, many people find they can say "
                "what they feel more safely, and their mood lifts with it.",
            ),
        ],
    },
    {
        "slug": "how-ipt-works",
        "title": "How IPT works, step by step",
        "navigation_title": "How it works",
        "navigation_order": 30,
        "show_in_navigation": True,
        "meta_description": "IPT moves through three phases: getting to know your story and goals, working on "
        "your relationships, and carrying the changes on by yourself.",
        "lead": "IPT focuses on your relationships as they are today. It moves through three phases, so you "
        "always know where you are headed.",
        "sections": [
            (
                "Here and now",
                "Life brings changes that are hard to accept: a loss, a conflict, a new role. In IPT you come to "
                "terms with them by building a steady, supportive web of relationships around you, and the work "
                "happens in the here and now of each session, with your life as it is today.",
            ),
            (
                "1. Getting started: your story and your goals",
                "Early on, you and your therapist talk about how you have been feeling, who "
                "matters in your life right now, and what happened that made you reach out. Together you map "
                "your usual ways of relating to people and where they came from.\n\n"
                "From there you set goals. Questions you might explore include:\n\n"
                "- Would it help to speak up for yourself more, or ask for what you need?\n"
                "- Do you want more time with other people?\n"
                "- Are there feelings, like anger or sadness, that you'd like to express in a healthier way?\n"
                "- Could disagreements with the people close to you go differently?\n"
                "- Is there a relationship that is harming you and needs a bigger change, or an ending?\n"
                "- Are you adjusting to a new role, at home, at work or in your community?",
            ),
            (
                "2. In action: working toward your goals",
                "This is where change happens. As you work toward your goals, you bring back what went well and "
                "what was hard, and you and your therapist work through the difficulties together. Your therapist "
                "suggests skills and approaches to try, chosen for you.\n\n"
                "You may be asked to keep a simple record of your mood and your interactions, so you can both "
                "see what is helping and adjust the plan. Sessions are also a safe place to plan and rehearse "
                "conversations before you have them for real.",
            ),
            (
                "3. Looking ahead: carrying it on yourself",
                "In the last few sessions you look back at how far you have come and make a plan for keeping "
                "your progress going on your own. If your therapist thinks follow-up sessions would help, you "
                "plan them together.\n\n"
                "You leave with a clearer sense of yourself in your relationships, and with skills you can lean "
                "on when life gets hard again.",
            ),
        ],
    },
    {
        "slug": "ipt-in-seattle",
        "title": "IPT in Seattle and across Washington",
        "navigation_title": "IPT in Seattle",
        "navigation_order": 40,
        "show_in_navigation": False,
        "meta_description": "Interpersonal Process Therapy with licensed Washington clinicians, in person in "
        "Ballard, Seattle, or online across the state.",
        "lead": "IPT is a first-line, well-proven treatment for depression and related concerns. Our licensed "
        "Washington clinicians offer it in person in Seattle and online across the state.",
        "sections": [
            (
                "Working with us",
                "When you work with one of our clinicians, you change how you approach the relationships in "
                "your life, and that change is what eases your symptoms.",
            ),
            (
                "Who we see",
                "If you live in Seattle, you can meet your therapist at our Ballard office; if you live anywhere "
                "in Washington State, you can meet online. When you're ready, we'd be glad to hear from you.",
            ),
        ],
    },
    {
        "slug": "in-person-and-online",
        "title": "In-person and online sessions",
        "navigation_title": "In person & online",
        "navigation_order": 50,
        "show_in_navigation": True,
        "meta_description": "Meet your therapist at our Ballard office in Seattle, or online if you live in "
        "Washington State.",
        "lead": "Choose what fits your life: sessions at our office in Ballard, or online from home.",
        "sections": [
            (
                "At our Ballard office",
                "Our office is at 5306 Ballard Ave NW in Seattle's Ballard neighborhood. [How to find us](/contact/)",
            ),
            (
                "Online, anywhere in Washington",
                "If you can't make it to the office, we can meet online instead. Online sessions are for people "
                "who live in Washington State.",
            ),
            (
                "Not sure which to choose?",
                "You can talk it through on your free 15-minute phone consultation.",
            ),
        ],
    },
    {
        "slug": "contact",
        "title": "Location and contact",
        "navigation_title": "Contact",
        "navigation_order": 60,
        "show_in_navigation": True,
        "meta_description": "Find Thrive for the People at 5306 Ballard Ave NW, Seattle, or call 206-403-1148.",
        "lead": "We're in the Ballard neighborhood of Seattle. Call us, or book a free 15-minute consultation online.",
        "practice_details": "contact",
        "sections": [
            (
                "If you need help right now",
                "We are not a crisis service. If you are in crisis, call or text 988 (the Suicide and Crisis "
                "Lifeline) or call the King County Crisis Line at 206-461-3222. In an emergency, call 911.",
            ),
        ],
    },
    {
        "slug": "fees",
        "title": "Fees and your Good Faith Estimate",
        "navigation_title": "Fees",
        "navigation_order": 70,
        "show_in_navigation": True,
        "meta_description": "The free consultation call, and your right to a Good Faith Estimate of what therapy "
        "at Thrive for the People will cost.",
        "lead": "The first 15-minute phone consultation is free.",
        "practice_details": "fees",
        "sections": [
            (
                "Your right to a Good Faith Estimate",
                "You have the right to receive a “Good Faith Estimate” explaining how much your medical care "
                "will cost.\n\n"
                "Under the law, health care providers need to give patients who don't have insurance or who are "
                "not using insurance an estimate of the expected charges for medical items and services.\n\n"
                "- You have the right to receive a Good Faith Estimate for the total expected cost of any "
                "non-emergency items or services. This includes related costs like medical tests, prescription "
                "drugs, equipment, and hospital fees.\n"
                "- Make sure your health care provider gives you a Good Faith Estimate in writing at least 1 "
                "business day before your medical service or item. You can also ask your health care provider, "
                "and any other provider you choose, for a Good Faith Estimate before you schedule an item or "
                "service.\n"
                "- If you receive a bill that is at least $400 more than your Good Faith Estimate, you can "
                "dispute the bill.\n"
                "- Make sure to save a copy or picture of your Good Faith Estimate.\n\n"
                "For questions or more information about your right to a Good Faith Estimate, visit "
                "[www.cms.gov/nosurprises](https://www.cms.gov/nosurprises) or call 1-800-985-3059.",
            ),
        ],
    },
    {
        "slug": "privacy",
        "title": "Consumer Health Data Privacy Policy",
        "navigation_title": "Privacy",
        "navigation_order": 90,
        "show_in_navigation": False,
        "meta_description": "How Thrive for the People collects, uses, keeps and protects your consumer health "
        "data under Washington's My Health My Data Act.",
        "lead": "This policy explains what we collect when you use this website or ask for a consultation, why, "
        "who sees it, how long we keep it, and how you can see or delete it. It follows Washington's My "
        "Health My Data Act (RCW 19.373).",
        "sections": [
            (
                "What we collect",
                "When you book a free consultation or ask us to call you back, we collect: your name, phone "
                "number and email address, whether we may leave a voicemail, and the time you chose (for a "
                "callback, the days and times that suit you). If you choose to tell us, we also keep the name "
                "you'd like us to use, the kind of therapy and session format you are interested in, your state "
                "of residence (asked only for online sessions), how you heard of us and a short note.\n\n"
                "Because you are contacting a therapy practice, Washington law treats this as consumer health "
                "data. We ask you not to include health details in the note; we don't need them to call you.\n\n"
                "We collect it only from you, through the booking form or when you call us. We also keep the time "
                "you gave your consent and the version of this policy you agreed to, a record of the emails we "
                "sent you about your call, and a history of changes to your booking.\n\n"
                "We don't use analytics, advertising trackers or third-party scripts. The website sets only the "
                "cookies it needs: a security token on forms; after you book, a cookie holding your booking's "
                "number for two weeks, so that if you book again from the same browser we can offer to move "
                "your call instead; and a session cookie for staff who sign in.",
            ),
            (
                "Why we collect it",
                "Only to arrange and make your consultation call, to send you a confirmation and a reminder by "
                "email, and to keep the records the law requires of us. We collect it only with "
                "your consent, which you give when you book.",
            ),
            (
                "Who receives it",
                "Only Thrive for the People: the clinician who will call you and our front-desk staff. We never "
                "sell your data and never use it for advertising. Our email and hosting providers process it on "
                "our behalf under contract and may not use it for anything else. We share data only if the law "
                "requires it.\n\n"
                "Staff sign in with a password and a code from their phone, each clinician sees only their own "
                "calls, and every change to a booking, and every time someone opens a client's contact details, "
                "is recorded.",
            ),
            (
                "How long we keep it",
                "We erase the personal details of a consultation 180 days after the call took place or was "
                "cancelled, automatically, together with the emails' addresses and the booking's change history. "
                "We keep only an anonymous record (the date and outcome) so we can count how many calls we make. "
                "If you ask us to delete your data sooner, we do it at once. If you become a client, your "
                "clinical records are kept separately, as Washington law requires.",
            ),
            (
                "Your rights",
                "You have the right to know whether we hold your consumer health data, to see it, to have it "
                "deleted, and to withdraw your consent. Using these rights costs nothing and never changes how "
                "we treat you.\n\n"
                "- **With your booking link:** the private link in your booking confirmation shows everything "
                "we hold about you, lets you download a copy, and lets you delete it at once.\n"
                "- **Without a link:** use our [privacy request form](/privacy/request/) or call us on "
                "206-403-1148. We will check that it's really you (so nobody else can see or delete your data) "
                "and answer within 45 days.\n\n"
                "**Appeals.** If we decline a request, we will tell you why. You can appeal by replying to our "
                "answer or calling us within 45 days; someone who did not make the first decision will review it "
                "and answer within 45 days. If you are still not satisfied, you can complain to the Washington "
                "State Attorney General's Office at "
                "[www.atg.wa.gov/file-complaint](https://www.atg.wa.gov/file-complaint).",
            ),
            (
                "Changes and contact",
                "If we change this policy, we will post the new version here with its date. Questions? Call us "
                "on 206-403-1148.",
            ),
        ],
    },
]

ANNOUNCEMENT = {
    "message": "Welcome, Maricor (Mari) Coquia, LMHC: our newest clinician is taking new clients for individual "
    "and couples therapy.",
    "link_url": "/clinicians/maricor-coquia/",
    "link_text": "Meet Mari",
}

# Days the whole practice is closed: no consultation calls are offered.
